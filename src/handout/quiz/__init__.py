"""Review quizzes generated from structured data.

Data flows one way: ``quizzes/*.yaml`` → :mod:`.loader` → :mod:`.model` → :mod:`.generator` →
renderers and exporters. Nothing downstream reads the YAML again.
"""
