"""Form helpers shared by the apps."""

from django import forms


class AccessibleFormMixin:
    """Ties each error message to its input (aria-describedby) so screen readers read it."""

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                field = self.fields[name]  # type: ignore[attr-defined]
                ids = [f"id_{name}_error"] + ([f"id_{name}_helptext"] if field.help_text else [])
                attrs = field.widget.attrs
                attrs["aria-describedby"] = " ".join(ids)
                attrs["aria-invalid"] = "true"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
