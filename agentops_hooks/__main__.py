"""`python -m agentops_hooks` runs the CLI (through the same entry as the console script)."""

from agentops_hooks.entry import main

raise SystemExit(main())
