"""`python -m platformctl`: what the workflows run (the `platformctl` console script calls the same `main`)."""

from __future__ import annotations

import sys

from .cli import main

sys.exit(main())
