"""Model choice fields answer a form error, never a 500, for values that are not keys."""

import pytest
from django import forms

from config.fields import SafeModelChoiceField, SafeModelMultipleChoiceField
from members.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["²", "١٢", "٣", "12³", str(2**64), "-1", "1.0", "x"])
def test_non_ascii_digits_and_impossible_keys_are_an_invalid_choice(value):
    with pytest.raises(forms.ValidationError) as single:
        SafeModelChoiceField(queryset=User.objects.all()).clean(value)
    assert single.value.code == "invalid_choice"
    with pytest.raises(forms.ValidationError) as multiple:
        SafeModelMultipleChoiceField(queryset=User.objects.all()).clean([value])
    assert multiple.value.code == "invalid_choice"


def test_a_real_key_still_works():
    user = UserFactory()
    assert SafeModelChoiceField(queryset=User.objects.all()).clean(str(user.pk)) == user
