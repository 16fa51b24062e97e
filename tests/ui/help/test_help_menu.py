"""The Help menu: shortcuts read from the actions themselves, searchable; About."""

from PySide6.QtCore import Qt

import workbench
from workbench.core import paths
from workbench.ui.help.shortcuts_dialog import action_rows


def test_the_shortcut_list_is_read_from_the_menus_and_names_each_action_once(window):
    rows = action_rows(window)
    assert ("File", "Open…", "Ctrl+O") in rows
    assert ("Learn", "Next Step", "Alt+Right") in rows
    assert ("View", "Zoom In", "+, =, Ctrl+1") in rows
    names = [(menu, action) for menu, action, _ in rows]
    assert len(names) == len(set(names))  # Help > Learn is not listed a second time


def test_typing_in_the_search_box_keeps_the_matching_rows(qtbot, window):
    dialog = window.help_menu.show_shortcuts()
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.search, "zoom")
    shown = dialog.visible_rows()
    assert shown and all("zoom" in " ".join(r).casefold() for r in shown)
    assert ("View", "Zoom In", "+, =, Ctrl+1") in shown
    dialog.search.setText("alt+right")
    assert [r[1] for r in dialog.visible_rows()] == ["Next Step"]
    dialog.search.clear()
    assert len(dialog.visible_rows()) == len(action_rows(window))
    dialog.close()


def test_a_new_action_appears_the_next_time_the_list_opens(qtbot, window):
    window.view_menu.addAction("Brand New").setShortcut("Ctrl+Alt+N")
    dialog = window.help_menu.show_shortcuts()
    qtbot.addWidget(dialog)
    assert ("View", "Brand New", "Ctrl+Alt+N") in dialog.visible_rows()
    dialog.close()


def test_about_names_the_version_and_the_model_and_data_folders(window):
    box = window.help_menu.show_about()
    text = box.text()
    assert workbench.__version__ in text and "torch" in text
    assert str(paths.models_dir()) in text and str(paths.data_dir()) in text
    assert "Your trained models" in text and str(paths.user_models_dir()) in text
    assert box.textFormat() in (Qt.TextFormat.AutoText, Qt.TextFormat.RichText)
    box.close()
