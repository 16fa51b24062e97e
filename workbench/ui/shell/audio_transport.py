"""Playback and recording in the main window: transport bar, keys, playheads, takes.

Space plays/pauses (the selection when there is one), Shift+Space plays the
selection, L toggles looping, R starts/stops recording (into the current
document at the cursor, or a new document when none is open) and Shift+R
records a new document.  A take goes into the document as one undoable step
named "Record 12.3 s", with a "Dropouts" label tier marking lost input;
`take_placed(document, first_frame, take)` then says where it went (a take that
opens as a new document says so once the document has loaded).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QToolBar

from workbench.core.audio.audio_file import AudioFileError, read_audio
from workbench.core.audio.blocks import BlockSequence
from workbench.core.document.clipboard import Clipboard
from workbench.core.document.document import Document
from workbench.core.document.edit_commands import PasteCommand
from workbench.core.document.edits import EditError
from workbench.core.document.history import History
from workbench.core.document.label_commands import AddLabelCommand, AddTierCommand
from workbench.core.storage.take_recovery import Take, TakePurpose
from workbench.core.time_format import seconds_text
from workbench.runtime.audio_devices import AudioDevices
from workbench.runtime.player import PlaybackState, Player
from workbench.runtime.recorder import Recorder, RecorderState
from workbench.ui.event_subscription import subscribe_while_alive
from workbench.ui.panels.recording_monitor import RecordingMonitor
from workbench.ui.panels.transport_bar import TransportBar
from workbench.ui.timeline.playhead import Playhead

MESSAGE_MS = 10000
DROPOUT_TIER = "Dropouts"


def take_samples(take: Take, channels: int) -> BlockSequence:
    """The take's audio (memory-mapped), mixed to mono when it has more than `channels`."""
    samples = BlockSequence.from_source(read_audio(take.path).source)
    if samples.channels == channels or samples.channels == 1:
        return samples
    return BlockSequence.from_array(samples.read().mean(axis=1, keepdims=True, dtype=np.float32))


def insert_take(history: History, take: Take, at: int) -> None:
    """Put `take` into the history's document at frame `at` as one step, dropouts labelled.

    Raises EditError (nothing changed) when the take cannot go in, e.g. another rate.
    """
    doc = history.document
    channels = doc.tracks[0].channels if doc.tracks else 1
    clip = Clipboard((take_samples(take, channels),), take.sample_rate)
    at = min(max(0, at), doc.frames)
    with history.compound(f"Record {seconds_text(clip.frames, take.sample_rate)} s"):
        history.push(PasteCommand(clip, at))
        if take.dropouts:
            tier = AddTierCommand(DROPOUT_TIER)
            history.push(tier)
            for d in take.dropouts:
                history.push(AddLabelCommand(tier.tier_id, at + d.start, at + d.stop, "dropout"))


def recording_channels(doc: Document) -> int:
    """Channels to record for `doc`: its own when every track has the same 1 or 2, else mono."""
    counts = {t.channels for t in doc.tracks}
    return counts.pop() if len(counts) == 1 and counts <= {1, 2} else 1


class AudioTransport(QObject):
    """Playback and recording for `window` (a MainWindow).  GUI thread only.

    Owns the AudioDevices, Player and Recorder (exposed as `window.player` and
    `window.recorder`), the TransportBar (a toolbar of the window), the
    recording monitor dock and one Playhead per view it has shown.  The player
    always plays the current tab's document.
    """

    take_placed = Signal(object, int, object)  # Document, its frame of the take's start, Take

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.devices = AudioDevices(self)
        self.player = Player(self.devices, self)
        self.recorder = Recorder(self.devices, self)
        window.player, window.recorder = self.player, self.recorder
        self.bar = TransportBar(self.player, self.recorder, self.devices)
        toolbar = QToolBar("Transport", window)
        toolbar.setObjectName("transport")
        toolbar.addWidget(self.bar)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        self.monitor = RecordingMonitor(self.recorder)
        self.monitor_dock = QDockWidget("Recording", window)
        self.monitor_dock.setObjectName("recording-monitor")
        self.monitor_dock.setWidget(self.monitor)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.monitor_dock)
        self.monitor_dock.hide()
        self.playheads: dict[object, Playhead] = {}  # DocumentView -> its playhead
        self._entry = None  # the OpenDocument the player plays
        self._previewing = False  # the player holds a clip, not the document (preview)
        self._unsubscribe = None
        self._record_entry = None  # where the running take goes (None: a new document)
        self._new_takes: dict[str, Take] = {}  # take path -> take, until it opened
        self._build_actions()
        self._connect()
        self._follow_current()

    # -- construction -------------------------------------------------------------------
    def _build_actions(self) -> None:
        window = self.window
        menu = window.menuBar().addMenu("&Transport")
        self.actions: dict[str, QAction] = {}
        for key, text, shortcut, slot in (
                ("play", "&Play/Pause", "Space", self.bar.play_button.click),
                ("play_selection", "Play &Selection", "Shift+Space", self.play_selection),
                ("stop", "S&top", None, self.bar.stop_button.click),
                ("loop", "&Loop", "L", self.bar.loop_button.toggle),
                ("record", "&Record", "R", self.bar.record_button.click),
                ("record_new", "Record &New Document", "Shift+R", self.record_new_document)):
            action = QAction(text, window)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _=False, s=slot: s())
            menu.addAction(action)
            self.actions[key] = action
        self.follow_action = QAction("Follow &Playhead", window)
        self.follow_action.setCheckable(True)
        self.follow_action.setChecked(True)
        self.follow_action.toggled.connect(self._on_follow_action_toggled)
        view_menu = next((a.menu() for a in window.menuBar().actions()
                          if a.menu() is not None and a.text() == "&View"), menu)
        view_menu.addAction(self.follow_action)

    def _connect(self) -> None:
        window = self.window
        window.tabs.currentChanged.connect(self._on_tabs_current_changed)
        window.document_closed.connect(self._on_window_document_closed)
        window.loader.loaded.connect(self._on_loader_loaded)
        self.bar.message_posted.connect(self._on_bar_message_posted)
        self.bar.record_button.pressed.connect(self._on_record_button_pressed)
        self.player.position_changed.connect(self._on_player_position_changed)
        self.player.state_changed.connect(self._on_player_state_changed)
        self.player.failed.connect(lambda exc: window.errors.report("Playback stopped", exc))
        self.player.finished.connect(self._end_preview)
        self.recorder.failed.connect(lambda exc: window.errors.report("Recording stopped", exc))
        self.recorder.state_changed.connect(self._on_recorder_state_changed)
        self.recorder.take_finished.connect(self._on_recorder_take_finished)

    # -- transport ------------------------------------------------------------------------
    def preview(self, samples: BlockSequence, sample_rate: int) -> None:
        """Play a clip that is no document (a corpus segment under the pointer) once; the
        current document is the player's again when it ends or anything else plays."""
        self.player.stop()
        self.player.set_samples(samples, sample_rate)
        self._previewing = True
        self.player.play_range(0, samples.frames, loop=False)

    def _end_preview(self) -> None:
        if self._previewing:
            self._previewing = False
            self.player.stop()
            self.player.set_document(self._entry.document if self._entry else None)

    def play_selection(self) -> None:
        """Play the selection once (or looping with Loop on); without one, from the cursor."""
        self._end_preview()
        entry = self.window.current_entry()
        if entry is None:
            return
        sel = entry.document.selection
        if sel.is_empty:
            self.player.play(sel.start)
        else:
            self.player.play_range(sel.start, sel.stop, loop=self.bar.loop_button.isChecked())

    def record_new_document(self) -> None:
        """Start a take that opens as a new document (or stop the running take)."""
        if self.recorder.is_recording():
            self.recorder.stop()
            return
        self._prepare_take(None)
        self.recorder.start(None)  # the bar follows the recorder's state

    def record_into(self, entry, at: int,
                    purpose: TakePurpose = TakePurpose.ORDINARY) -> bool:
        """Start a take of `purpose` that goes into `entry`'s document at frame `at` (a
        dialog's "Record example"); False when it could not start (the recorder said why)."""
        if self.recorder.is_recording():
            return False
        self._prepare_take(entry)
        return self.recorder.start(at, purpose) is not None

    def _on_record_button_pressed(self) -> None:
        if not self.recorder.is_recording() and not self.bar.record_button.isChecked():
            self._prepare_take(self.window.current_entry())

    def _prepare_take(self, entry) -> None:
        """Record into `entry` at its cursor, in its format; None: a new document."""
        self._record_entry = entry
        self.bar.set_record_at_cursor(entry is not None)
        if entry is None:
            self.recorder.set_format(self.bar.rate_combo.currentData(),
                                     self.bar.channels_combo.currentData())
        else:
            doc = entry.document
            if self.player.state is not PlaybackState.PLAYING:
                self.bar.set_cursor(doc.selection.start)
            self.recorder.set_format(doc.sample_rate, recording_channels(doc))

    # -- following the current document ---------------------------------------------------------
    def _follow_current(self) -> None:
        entry = self.window.current_entry()
        if entry is self._entry:
            return
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        old = self.playheads.get(self._entry.view) if self._entry else None
        if old is not None:
            old.set_active(False, False)
        self.player.stop()
        self._entry = entry
        self._previewing = False
        self.player.set_document(entry.document if entry else None)
        if entry is not None:
            self._unsubscribe = subscribe_while_alive(
                entry.view, entry.document.selection_changed,
                self._on_document_selection_changed)
            self._on_document_selection_changed(entry.document.selection)
        else:
            self.bar.set_selection(None, None)

    def _on_tabs_current_changed(self, _index: int) -> None:
        self._follow_current()

    def _on_loader_loaded(self, doc: Document) -> None:
        take = self._new_takes.pop(str(doc.path), None) if doc.path else None
        entry = next((e for e in self.window.open_documents if e.document is doc), None)
        if take is not None and take.dropouts and entry is not None:
            with entry.history.compound("Mark dropouts"):
                tier = AddTierCommand(DROPOUT_TIER)
                entry.history.push(tier)
                for d in take.dropouts:
                    entry.history.push(AddLabelCommand(tier.tier_id, d.start, d.stop, "dropout"))
        self._follow_current()
        if take is not None and entry is not None:
            self.take_placed.emit(doc, 0, take)

    def _on_window_document_closed(self, entry) -> None:
        playhead = self.playheads.pop(entry.view, None)
        if playhead is not None:
            playhead.detach()
            playhead.deleteLater()
        if entry is self._record_entry:
            self._record_entry = None
        if entry is self._entry:
            if self._unsubscribe is not None:
                self._unsubscribe()
                self._unsubscribe = None
            self._entry = None
            self.player.set_document(None)
        self._follow_current()

    def _on_document_selection_changed(self, selection) -> None:
        if self.player.state is not PlaybackState.PLAYING:  # a click must not restart playback
            self.bar.set_cursor(selection.start)
        self.bar.set_selection(selection.start, selection.stop)

    # -- playhead ---------------------------------------------------------------------------------
    def playhead(self) -> Playhead | None:
        """The playhead of the current view (made on first use)."""
        if self._entry is None:
            return None
        view = self._entry.view
        if view not in self.playheads:
            self.playheads[view] = Playhead(view, self)
            self.playheads[view].following = self.follow_action.isChecked()
        return self.playheads[view]

    def _on_player_state_changed(self, state: PlaybackState) -> None:
        playhead = self.playhead()
        if playhead is not None:
            playhead.set_active(state is not PlaybackState.STOPPED,
                                state is PlaybackState.PLAYING)
            playhead.set_position(self.player.position_frames())

    def _on_player_position_changed(self, frame: int) -> None:
        playhead = self.playhead()
        if playhead is not None and self.player.state is not PlaybackState.STOPPED:
            playhead.set_position(frame)

    def _on_follow_action_toggled(self, on: bool) -> None:
        for playhead in self.playheads.values():
            playhead.following = on

    # -- recording ----------------------------------------------------------------------------------
    def _on_recorder_state_changed(self, state: RecorderState) -> None:
        recording = state is not RecorderState.IDLE
        if recording:
            self.monitor_dock.show()
        else:
            self.monitor_dock.hide()
            self.bar.set_record_at_cursor(self.window.current_entry() is not None)

    def _on_recorder_take_finished(self, take: Take) -> None:
        entry, self._record_entry = self._record_entry, None
        if take.frames <= 0:
            self._say("The recording is empty")
            return
        if take.insert_at is not None and entry is not None:
            at = min(max(0, take.insert_at), entry.document.frames)
            try:
                insert_take(entry.history, take, at)
            except (EditError, AudioFileError) as exc:
                self._say(f"The take could not go into {entry.document.title} ({exc}); "
                          "it opens as a new document")
            else:
                self._say(f"Recorded {take.duration:.1f} s into {entry.document.title}")
                self.take_placed.emit(entry.document, at, take)
                return
        self._new_takes[str(take.path)] = take
        self.window.open_paths([take.path])

    def _on_bar_message_posted(self, text: str) -> None:
        self._say(text)

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, MESSAGE_MS)
