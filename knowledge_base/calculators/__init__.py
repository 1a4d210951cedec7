"""Labour-law calculators: pure functions plus a declarative description of what each needs.

- ``registry.CALCULATORS``: intent (``calc_overtime`` …) → :class:`base.CalculatorSpec`.
- ``flow``: what a chat flow calls: ``next_question`` → ``read_answer`` → ``run`` →
  ``render_text``; ``dump_answers`` / ``load_answers`` for the session store.
- ``prompts.yml``: every Chinese word the calculators say; ``min_wage_cities.yml``: which
  minimum-wage row applies where.

Money is ``Decimal`` rounded half up to cents; ``compute`` never reads the clock (the flow
passes ``today``).
"""
