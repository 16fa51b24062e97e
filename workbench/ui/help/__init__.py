"""The Help menu: every action with its keyboard shortcut (read from the actions
themselves, so the list never goes stale), and About (versions and folders).

GUI thread only.  Reads the window's actions; imports no other ui room.
"""
