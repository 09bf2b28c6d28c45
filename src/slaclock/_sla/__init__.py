"""SLA values and evaluation: tiers, prices, cost, incidents, reaction clocks, budgets.

Layering: ``tier`` holds the promise (targets, scope, price, budget) on a
calendar; ``cost`` prices a period on a tier; ``incident``, ``evaluate`` and
``budget`` replay an incident's event log against a tier.  Nothing here reads
files, parses JSON or knows the command line: ``slaclock.catalog`` turns files
into tiers, ``slaclock._jsonl`` JSON Lines into incidents, and
``slaclock._display`` results into text (``tests/test_layers.py`` holds it so).
"""
