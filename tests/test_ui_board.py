"""The breadboard view and the parts panel, driven through their own event paths (pytest-qt,
offscreen)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QComboBox  # noqa: E402

from breadboard.circuit import (  # noqa: E402
    GND,
    VCC,
    Circuit,
    Led,
    Potentiometer,
    Pushbutton,
    TrafficLight,
)
from breadboard.circuit.placement import free_spot  # noqa: E402
from breadboard.sim.worker import PinState, Snapshot  # noqa: E402
from breadboard.ui.board import BoardView, pin_state_text  # noqa: E402
from breadboard.ui.parts_panel import PartsPanel, warnings_for  # noqa: E402

OUT_HIGH = PinState(1, 1.0, "output")
OUT_LOW = PinState(0, 0.0, "output")
FLOAT = PinState(2, 0.0, "input")


def sample_circuit() -> Circuit:
    c = Circuit(title="sample")
    c.add(Pushbutton(id="button1", label="S1", x=3, y=2, pin="D2", to=VCC, pull="down",
                     key="Space"))  # fmt: skip
    c.add(Potentiometer(id="pot1", label="10k", x=8, y=2, pin="A0", position=0.5))
    c.add(Led(id="led_green", x=14, y=2, pin="D0", color="green"))
    c.add(Led(id="led_red", x=18, y=2, pin="D1", color="red"))
    c.add(TrafficLight(id="lights", x=22, y=1, red="D10", yellow="D9", green="D8"))
    c.add(Led(id="led13", x=27, y=6, pin="D13", color="yellow"))
    return c


def snapshot(**pins: PinState) -> Snapshot:
    states = {f"D{i}": FLOAT for i in range(14)} | {f"A{i}": FLOAT for i in range(6)}
    return Snapshot(pins=states | pins, firmware="blink.hex", status="running")


@pytest.fixture
def circuit() -> Circuit:
    return sample_circuit()


@pytest.fixture
def view(qtbot, circuit):
    v = BoardView(circuit)
    qtbot.addWidget(v)
    v.resize(1400, 560)
    v.show()
    qtbot.waitExposed(v)
    return v


def viewport_point(view: BoardView, part_id: str) -> QPoint:
    """Where a part's body is on screen (viewport coordinates)."""
    item = view.part_item(part_id)
    scene = item.mapToScene(item.shape().boundingRect().center())
    return view.mapFromScene(scene)


# ---- pushbuttons ----------------------------------------------------------------------------
def test_mouse_press_and_release_on_a_button_emit_its_id(qtbot, view):
    pos = viewport_point(view, "button1")
    with qtbot.waitSignal(view.pressed, timeout=1000) as down:
        QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), pos)
    assert down.args == ["button1"]
    assert view.part_item("button1").is_pressed
    with qtbot.waitSignal(view.released, timeout=1000) as up:
        QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), pos)
    assert up.args == ["button1"]
    assert not view.part_item("button1").is_pressed


def test_a_press_emits_pressed_once(qtbot, view):
    seen: list[str] = []
    view.pressed.connect(seen.append)
    view.press_part("button1")
    view.press_part("button1")  # the key's auto-repeat, a second path: still one press
    view.release_part("button1")
    view.release_part("button1")
    assert seen == ["button1"]


def test_shift_click_latches_until_the_next_click(qtbot, view):
    pos = viewport_point(view, "button1")
    events: list[tuple[str, str]] = []
    view.pressed.connect(lambda pid: events.append(("pressed", pid)))
    view.released.connect(lambda pid: events.append(("released", pid)))
    QTest.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, pos
    )
    assert events == [("pressed", "button1")]
    assert view.part_item("button1").latched
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), pos)
    assert events == [("pressed", "button1"), ("released", "button1")]
    assert not view.part_item("button1").is_pressed
    # the API's latched press does the same
    view.press_part("button1", latched=True)
    view.release_part("button1")
    assert view.part_item("button1").is_pressed
    view.press_part("button1")
    assert not view.part_item("button1").is_pressed


def test_the_buttons_key_presses_it_while_held(qtbot, view):
    with qtbot.waitSignal(view.pressed, timeout=1000) as down:
        QTest.keyPress(view, Qt.Key.Key_Space)
    assert down.args == ["button1"]
    with qtbot.waitSignal(view.released, timeout=1000) as up:
        QTest.keyRelease(view, Qt.Key.Key_Space)
    assert up.args == ["button1"]


def test_a_button_held_by_the_simulation_is_drawn_pressed(view):
    view.show_snapshot(Snapshot(pressed=frozenset({"button1"})))
    assert view.part_item("button1").is_pressed
    view.show_snapshot(Snapshot())
    assert not view.part_item("button1").is_pressed


# ---- LEDs -------------------------------------------------------------------------------------
def test_led_brightness_is_the_duty_over_the_frame_and_L_follows_d13(view):
    assert view.led_brightness("led13") == 0.0
    assert view.led_brightness("L") == 0.0
    view.show_snapshot(snapshot(D13=PinState(1, 0.5, "output")))
    assert view.led_brightness("led13") == pytest.approx(0.5)
    assert view.led_brightness("L") == pytest.approx(0.5)


def test_led_to_gnd_lights_when_high_and_to_5v_when_low(view, circuit):
    view.show_snapshot(snapshot(D0=OUT_HIGH, D1=OUT_LOW))
    assert view.led_brightness("led_green") == 1.0
    assert view.led_brightness("led_red") == 0.0
    circuit.part("led_red").to = VCC
    view.set_circuit(circuit)
    view.show_snapshot(snapshot(D0=OUT_HIGH, D1=OUT_LOW))
    assert view.led_brightness("led_red") == 1.0
    view.show_snapshot(snapshot(D0=FLOAT, D1=FLOAT))
    assert view.led_brightness("led_green") == 0.0
    assert view.led_brightness("led_red") == 0.0  # a floating pin gives off


def test_traffic_light_and_onboard_leds(view):
    view.show_snapshot(snapshot(D10=OUT_HIGH, D9=PinState(1, 0.25, "output"), D8=OUT_LOW),
                       tx_active=True)  # fmt: skip
    assert view.led_brightness("lights.red") == 1.0
    assert view.led_brightness("lights.yellow") == pytest.approx(0.25)
    assert view.led_brightness("lights.green") == 0.0
    assert view.led_brightness("ON") == 1.0  # a firmware is loaded
    assert view.led_brightness("TX") > 0.0
    assert view.led_brightness("RX") == 0.0
    view.show_snapshot(Snapshot(firmware=None))
    assert view.led_brightness("ON") == 0.0
    assert view.led_brightness("TX") == 0.0


# ---- tooltips ----------------------------------------------------------------------------------
def test_pin_tooltips_name_the_port_pin_and_the_state(view):
    assert view.pin_tooltip("D2").startswith("D2 (PD2): input, floating")
    assert "button1" in view.pin_tooltip("D2")
    view.show_snapshot(
        snapshot(
            D2=OUT_HIGH,
            D3=OUT_LOW,
            D4=PinState(1, 1.0, "input pull-up"),
            D9=PinState(1, 0.37, "output"),
            D10=PinState(1, 0.99, "output"),
        )
    )
    assert view.pin_tooltip("D2").startswith("D2 (PD2): output HIGH")
    assert view.pin_tooltip("D3").startswith("D3 (PD3): output LOW")
    assert view.pin_tooltip("D4").startswith("D4 (PD4): input, pull-up")
    assert view.pin_tooltip("D9").startswith("D9 (PB1): PWM, duty 37%")
    assert view.pin_tooltip("D10").startswith("D10 (PB2): output HIGH")
    assert view.pin_tooltip("A0").startswith("A0 (PC0): input, floating")
    assert "2.50 V" in view.pin_tooltip("A0")
    assert view.pin_tooltip("GND").startswith("GND")
    assert pin_state_text(PinState(1, 0.02, "output")) == "output HIGH"


def test_hovering_a_header_pin_sets_its_tooltip(qtbot, view):
    view.show_snapshot(snapshot(D7=OUT_HIGH))
    pos = view.mapFromScene(view.pin_pos("D7"))
    QTest.mouseMove(view.viewport(), pos)
    qtbot.waitUntil(lambda: view._hotspots["D7"].hovered, timeout=1000)
    assert view._hotspots["D7"].toolTip().startswith("D7 (PD7): output HIGH")


# ---- potentiometer, reset, moving ------------------------------------------------------------
def test_dragging_the_potentiometer_emits_its_position(qtbot, view, circuit):
    pos = viewport_point(view, "pot1")
    seen: list[tuple[str, float]] = []
    view.positionChanged.connect(lambda pid, v: seen.append((pid, v)))
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), pos)
    QTest.mouseMove(view.viewport(), pos + QPoint(0, -15))
    QTest.mouseMove(view.viewport(), pos + QPoint(0, -30))
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0),
                       pos + QPoint(0, -30))  # fmt: skip
    assert seen and all(pid == "pot1" for pid, _ in seen)
    assert seen[-1][1] > 0.5  # up turns it up
    assert circuit.part("pot1").position == seen[-1][1]


def test_clicking_reset_emits_reset_clicked(qtbot, view):
    pos = view.mapFromScene(view._reset.rect.center())
    with qtbot.waitSignal(view.resetClicked, timeout=1000):
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), pos)


def test_ctrl_drag_moves_a_part_and_reports_the_edit(qtbot, view, circuit):
    led = circuit.part("led_green")
    pos = viewport_point(view, "led_green")
    step = view.mapFromScene(QPointF(200, 0)).x() - view.mapFromScene(QPointF(0, 0)).x()
    ctrl = Qt.KeyboardModifier.ControlModifier
    pressed: list[str] = []
    view.pressed.connect(pressed.append)
    with qtbot.waitSignal(view.circuitEdited, timeout=1000):
        QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, ctrl, pos)
        QTest.mouseMove(view.viewport(), pos + QPoint(step, 0))
        QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, ctrl, pos + QPoint(step, 0))
    assert (led.x, led.y) == (16, 2)
    assert not pressed


def test_set_circuit_rebuilds_the_items(view):
    c = Circuit()
    c.add(Led(id="only", x=5, y=2, pin="D5"))
    view.set_circuit(c)
    assert view.part_item("only") is not None
    with pytest.raises(KeyError):
        view.part_item("button1")


# ---- parts panel ----------------------------------------------------------------------------
@pytest.fixture
def panel(qtbot, circuit):
    p = PartsPanel(circuit)
    qtbot.addWidget(p)
    p.show()
    return p


def test_panel_adds_a_part_on_a_free_pin_and_spot(qtbot, panel, circuit):
    before = {p.id for p in circuit.parts}
    with qtbot.waitSignal(panel.circuitEdited, timeout=1000):
        panel.add_actions["led"].trigger()
    new = [p for p in circuit.parts if p.id not in before]
    assert len(new) == 1 and isinstance(new[0], Led)
    used = {p.pin for p in circuit.parts if p is not new[0] and hasattr(p, "pin")}
    assert new[0].pin not in used | {"D8", "D9", "D10"}
    assert panel.selected_id() == new[0].id
    with qtbot.waitSignal(panel.circuitEdited, timeout=1000):
        panel.add_actions["potentiometer"].trigger()
    pot = circuit.parts[-1]
    assert pot.pin == "A1"  # A0 is taken
    assert free_spot(circuit, "led") != (new[0].x, new[0].y)


def test_panel_edits_and_removes_in_place(qtbot, panel, circuit):
    panel.select("led_red")
    color = panel.fields["color"]
    assert isinstance(color, QComboBox)
    with qtbot.waitSignal(panel.circuitEdited, timeout=1000):
        color.setCurrentIndex(color.findData("blue"))
    assert circuit.part("led_red").color == "blue"
    with qtbot.waitSignal(panel.circuitEdited, timeout=1000):
        panel.fields["resistor"].setValue(330)
    assert circuit.part("led_red").resistor_ohms == 330
    with qtbot.waitSignal(panel.circuitEdited, timeout=1000):
        panel.fields["pin"].setCurrentIndex(panel.fields["pin"].findData("D6"))
    assert circuit.part("led_red").pin == "D6"
    assert "led_red" in panel.list.currentItem().text() or "D6" in panel.list.currentItem().text()

    panel.select("button1")
    with qtbot.waitSignal(panel.circuitEdited, timeout=1000):
        panel.fields["bounce"].setChecked(True)
    assert circuit.part("button1").bounce.enabled
    with qtbot.waitSignal(panel.circuitEdited, timeout=1000):
        panel.fields["bounce_count"].setValue(9)
    assert circuit.part("button1").bounce.count == 9

    with qtbot.waitSignal(panel.circuitEdited, timeout=1000):
        panel.remove_button.click()
    assert "button1" not in {p.id for p in circuit.parts}


def test_panel_offers_only_analog_pins_for_a_potentiometer(panel):
    panel.select("pot1")
    pins = panel.fields["pin"]
    assert [pins.itemData(i) for i in range(pins.count())] == [f"A{i}" for i in range(6)]


def test_a_floating_input_is_warned_about(qtbot, panel, circuit):
    panel.select("button1")
    assert not any("floats" in w for w in warnings_for(circuit, circuit.part("button1")))
    with qtbot.waitSignal(panel.circuitEdited, timeout=1000):
        panel.fields["pull"].setCurrentIndex(panel.fields["pull"].findData("none"))
    assert circuit.part("button1").pull == "none"
    assert "D2 floats when the button is open: add a pull-down" in panel.warning.text()
    assert not panel.warning.isHidden()


def test_board_and_panel_share_the_circuit(qtbot, circuit):
    """A part added in the panel shows up on the board after set_circuit (the main window's
    wiring), and GND/5V both name a rail."""
    board = BoardView(circuit)
    panel = PartsPanel(circuit)
    qtbot.addWidget(board)
    qtbot.addWidget(panel)
    panel.circuitEdited.connect(lambda: board.set_circuit(circuit))
    part = panel.add_part("pushbutton")
    assert board.part_item(part.id) is not None
    assert part.to in (GND, VCC)
