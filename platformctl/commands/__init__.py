"""One module per `platformctl` subcommand: `register(parser)` adds its options, `run(args)` returns its exit status."""
