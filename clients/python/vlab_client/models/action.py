from enum import StrEnum


class Action(StrEnum):
    PAUSE = "pause"
    RESET = "reset"
    RESTART = "restart"
    RESUME = "resume"
    SHUTDOWN = "shutdown"
    START = "start"
    STOP = "stop"

    def __str__(self) -> str:
        return str(self.value)
