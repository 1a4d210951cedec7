"""Labour-law calculators: pure functions plus a declarative description of what each needs.

- ``spec.CalculatorSpec``: a calculator as a form of the one form engine
  (``knowledge_base.forms``): its fields, texts, parsers, stored shapes and ``compute``.
- ``registry.CALCULATORS``: intent (``calc_overtime`` …) → calculator.
- ``flow``: what a chat flow calls: ``prefill`` → ``next_question`` → ``read_answer`` → ``run``
  → ``render_text`` (the asking and reading are ``forms.engine``'s, re-exported).
- ``prompts.yml``: every Chinese word the calculators say; ``min_wage_cities.yml``: which
  minimum-wage row applies where.

Money is ``Decimal`` rounded half up to cents; ``compute`` never reads the clock (the flow
passes ``today``).
"""
