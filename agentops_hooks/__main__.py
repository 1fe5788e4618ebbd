"""`python -m agentops_hooks` runs the CLI."""

from agentops_hooks.cli import main

raise SystemExit(main())
