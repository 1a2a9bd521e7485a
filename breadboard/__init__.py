"""breadboard: a virtual breadboard for the Arduino Uno, exact to the cycle."""

__version__ = "0.1.0"
