"""Working calendars: weekly hours, holidays, overrides, and the compiled timeline.

Layering: ``instants`` and ``hours`` are values; ``country`` snapshots holiday
data; ``rules`` decides one date's hours; ``timeline`` compiles dates into UTC
boundaries with running totals; ``calendar`` is the public facade.  Nothing here
knows about SLAs, files or the command line.
"""
