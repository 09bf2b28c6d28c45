"""SLA values and evaluation: tiers, prices, cost, incidents, reaction clocks, budgets.

Layering: ``tier`` holds the promise (targets, scope, price, budget) on a
calendar; ``cost`` prices a period on a tier; ``incident``, ``evaluate`` and
``budget`` replay an incident's event log against a tier.  Nothing here reads
files or knows the command line; ``slaclock.catalog`` turns files into tiers.
"""
