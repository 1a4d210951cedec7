"""One form engine for every multi-question conversation: the calculators and the complaint
intake declare fields (:mod:`fields`), a spec supplies texts and parsers (:mod:`spec`), and
:mod:`engine` decides what to ask next and whether an answer is usable."""
