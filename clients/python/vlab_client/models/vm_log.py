from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.log_source import LogSource

T = TypeVar("T", bound="VmLog")


@_attrs_define
class VmLog:
    """A range of one of a VM's logs.

    Attributes:
        next_offset (int): Where the next range starts: ask from here to follow the log.
        offset (int): Where `text` starts.
        size (int): Bytes the log holds now (the serial log keeps only its newest
            `serial_log_max_kib`; offsets count from the oldest byte kept).
        source (LogSource): Which of a VM's logs: what its guest wrote to the serial port, or what
            QEMU itself said (its stderr).
        text (str): The bytes from `offset` (invalid UTF-8 shown as U+FFFD).
        vm_id (int):
    """

    next_offset: int
    offset: int
    size: int
    source: LogSource
    text: str
    vm_id: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        next_offset = self.next_offset

        offset = self.offset

        size = self.size

        source = self.source.value

        text = self.text

        vm_id = self.vm_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "next_offset": next_offset,
                "offset": offset,
                "size": size,
                "source": source,
                "text": text,
                "vm_id": vm_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        next_offset = d.pop("next_offset")

        offset = d.pop("offset")

        size = d.pop("size")

        source = LogSource(d.pop("source"))

        text = d.pop("text")

        vm_id = d.pop("vm_id")

        vm_log = cls(
            next_offset=next_offset,
            offset=offset,
            size=size,
            source=source,
            text=text,
            vm_id=vm_id,
        )

        vm_log.additional_properties = d
        return vm_log

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
