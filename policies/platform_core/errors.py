"""The one error type for a user's mistake, shared by the program's config, the CLI and the pack."""


class UsageError(Exception):
    """A problem with the command line, the project, a stack file or a data file: exit status 2, no traceback.

    The message names the key, the value and what is allowed.
    """
