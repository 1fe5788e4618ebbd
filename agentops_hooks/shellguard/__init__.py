"""The agent-hook's shell guard: read a shell command as the shell would, then judge what it runs.

`lexer` turns text into words, operators and redirections (quotes, escapes, `$'…'`, `$(…)`,
backquotes, here-documents); `parse` groups them into simple commands through the compound forms;
`expand` resolves what a word becomes; `commands` unwraps wrappers, nested shells and aliases;
`git` and `paths` hold the policy; `guard` runs it all under a depth and size bound and fails
closed on anything it cannot read.
"""
