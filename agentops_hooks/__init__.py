"""agentops-hooks: git hooks, a rule engine and a CI gate for AI-agent commits."""

__version__ = "0.1.0"
