"""The anonymous complaint intake: a form of a dozen skippable questions, a summary, a receipt."""
