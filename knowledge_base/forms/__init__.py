"""One form engine for every multi-question conversation: the calculators and the complaint
intake declare fields (:mod:`fields`), a spec supplies texts, parsers, doubts and storage
(:mod:`spec`), what a field declares is checked alike for every form (:mod:`checks`), and
:mod:`engine` decides what to ask next, whether an answer is usable and how answers are kept."""
