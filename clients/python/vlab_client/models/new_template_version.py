from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.image_upload import ImageUpload


T = TypeVar("T", bound="NewTemplateVersion")


@_attrs_define
class NewTemplateVersion:
    """A new version of a template: from a VM or an upload, as for a new template.

    Attributes:
        note (None | str | Unset):
        upload (ImageUpload | None | Unset):
        vm_id (int | None | Unset):
    """

    note: None | str | Unset = UNSET
    upload: ImageUpload | None | Unset = UNSET
    vm_id: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.image_upload import ImageUpload

        note: None | str | Unset
        if isinstance(self.note, Unset):
            note = UNSET
        else:
            note = self.note

        upload: dict[str, Any] | None | Unset
        if isinstance(self.upload, Unset):
            upload = UNSET
        elif isinstance(self.upload, ImageUpload):
            upload = self.upload.to_dict()
        else:
            upload = self.upload

        vm_id: int | None | Unset
        if isinstance(self.vm_id, Unset):
            vm_id = UNSET
        else:
            vm_id = self.vm_id

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if note is not UNSET:
            field_dict["note"] = note
        if upload is not UNSET:
            field_dict["upload"] = upload
        if vm_id is not UNSET:
            field_dict["vm_id"] = vm_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.image_upload import ImageUpload

        d = dict(src_dict)

        def _parse_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        note = _parse_note(d.pop("note", UNSET))

        def _parse_upload(data: object) -> ImageUpload | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                upload_type_1 = ImageUpload.from_dict(data)

                return upload_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ImageUpload | None | Unset, data)

        upload = _parse_upload(d.pop("upload", UNSET))

        def _parse_vm_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        vm_id = _parse_vm_id(d.pop("vm_id", UNSET))

        new_template_version = cls(
            note=note,
            upload=upload,
            vm_id=vm_id,
        )

        return new_template_version
