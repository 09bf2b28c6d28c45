"""``python -m slaclock``: see :mod:`slaclock.cli`."""

from slaclock.cli import main

raise SystemExit(main())
