"""Lessons: plain-text guided tours read from Markdown files (resources/lessons/README.md).

lesson.py holds what a lesson is (title, intro, steps, directives) and the one error
a broken file raises (file, line, reason); directives.py declares every directive and
checks its value; parser.py reads a file into a Lesson; step_state.py says what the
views look like at a step (settings accumulate from the first step, so Back is exact);
bundled.py lists the lessons shipped in resources/lessons/.

Pure Python.  Imports core's top level (paths) and core.analysis's names of scales,
windows, colour maps and model kinds; nothing from document, labels, storage or audio.
"""
