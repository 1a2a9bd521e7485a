/*
 * traffic_light -- a non-blocking state machine on millis() with a
 * pedestrian push button on INT0.
 *
 * Pins:
 *   D10 red LED, D9 yellow LED, D8 green LED (outputs, exactly one is on)
 *   D2  pedestrian button, pinMode(2, INPUT_PULLUP) (idles HIGH, button to
 *       GND), attachInterrupt(INT0, ..., FALLING) sets a request flag.
 *
 * Cycle: RED 3000 ms -> GREEN 5000 ms -> YELLOW 1000 ms -> RED ...
 * Starts in RED at the end of setup(). A phase ends at the first loop()
 * pass with millis() - phaseStart >= its duration; the next phase starts
 * at that millis() value (phaseStart = now).
 * Pedestrian request: a falling edge on D2 while GREEN ends the green
 * phase early, but green always lasts at least 1000 ms: with a request
 * pending, GREEN ends as soon as millis() - phaseStart >= 1000. The flag
 * is cleared when GREEN starts, so presses during RED or YELLOW are
 * ignored.
 */

const byte RED_PIN = 10;
const byte YELLOW_PIN = 9;
const byte GREEN_PIN = 8;
const byte BUTTON_PIN = 2;

const unsigned long RED_MS = 3000;
const unsigned long GREEN_MS = 5000;
const unsigned long GREEN_MIN_MS = 1000;
const unsigned long YELLOW_MS = 1000;

enum State { RED, GREEN, YELLOW };

State state = RED;
unsigned long phaseStart = 0;
volatile bool request = false;

void setup() {
  pinMode(RED_PIN, OUTPUT);
  pinMode(YELLOW_PIN, OUTPUT);
  pinMode(GREEN_PIN, OUTPUT);
  pinMode(BUTTON_PIN, INPUT_PULLUP);
  attachInterrupt(digitalPinToInterrupt(BUTTON_PIN), pedestrian, FALLING);
  enter(RED, millis());
}

void loop() {
  unsigned long now = millis();
  unsigned long elapsed = now - phaseStart;

  switch (state) {
    case RED:
      if (elapsed >= RED_MS) {
        enter(GREEN, now);
      }
      break;
    case GREEN:
      if (elapsed >= GREEN_MS || (request && elapsed >= GREEN_MIN_MS)) {
        enter(YELLOW, now);
      }
      break;
    case YELLOW:
      if (elapsed >= YELLOW_MS) {
        enter(RED, now);
      }
      break;
  }
}

void enter(State next, unsigned long now) {
  state = next;
  phaseStart = now;
  if (next == GREEN) {
    request = false;
  }
  digitalWrite(RED_PIN, next == RED ? HIGH : LOW);
  digitalWrite(YELLOW_PIN, next == YELLOW ? HIGH : LOW);
  digitalWrite(GREEN_PIN, next == GREEN ? HIGH : LOW);
}

void pedestrian() {
  request = true;
}
