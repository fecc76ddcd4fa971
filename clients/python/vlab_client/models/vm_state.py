from enum import StrEnum


class VmState(StrEnum):
    CRASHED = "crashed"
    PAUSED = "paused"
    RUNNING = "running"
    STARTING = "starting"
    STOPPED = "stopped"
    STOPPING = "stopping"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return str(self.value)
