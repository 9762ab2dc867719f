"""platformctl: the operator CLI of the platform program.

Packages by concern, each depending only downward (on `project`, `exit_codes`, `timestamps` and platform_core):
`preview` runs a program offline, `policy` runs policy packs over it, `cost` prices it, `delivery` decides
whether a change may ship, `ops` works on deployed stacks, `docs` generates the config reference. `commands`
holds one thin module per subcommand over them, and `cli` the table that maps command names to those modules.
"""
