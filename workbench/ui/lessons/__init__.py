"""Guided lessons in the main window: the Learn menu, the lesson dock, and the player
that applies each step's directives to the real views and undoes them at the end.

lessons_ui.py wires the menu and the dock into the window; lesson_panel.py draws a
step; lesson_player.py applies steps (core.lessons says what each step means);
region_highlight.py marks a time stretch on the timeline rows; widget_highlight.py
frames rows or panels a step points at.

GUI thread only.  Uses core.lessons, the timeline's DocumentView, and the window's
services (model jobs, loader, classifier UI) through the window it is given, so it
imports no shell module and no model-family room.
"""
