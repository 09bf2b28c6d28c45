"""Presentation: the command line's table and the plain-words explanations.

Layering: this package reads the values of ``slaclock._sla`` and turns them into
text; the domain layers never import it at module level (a value's
``explain()`` imports ``text`` when called), so evaluating never loads it.
"""
