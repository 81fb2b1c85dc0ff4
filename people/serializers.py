"""The public face of people in the API: names, country, bio and their published appearances.
Contact fields (email, phone, assistant) are never serialized here."""
from rest_framework import serializers

from .enums import Role
from .models import Appearance, Person


class PersonAppearanceSerializer(serializers.ModelSerializer):
    session = serializers.IntegerField(source="session_id", read_only=True, help_text="The agenda item's id (/api/v1/sessions/<id>/).")
    edition = serializers.IntegerField(source="session.edition.year", read_only=True, help_text="The year of the item's edition.")
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)
    title_zh = serializers.CharField(read_only=True, help_text="The title as printed for this appearance (titles change between editions).")

    class Meta:
        model = Appearance
        fields = ["session", "edition", "role", "title_zh"]


class PersonSerializer(serializers.ModelSerializer):
    country = serializers.CharField(read_only=True, help_text="ISO 3166-1 alpha-2 where a text states it, else empty.")
    appearances = PersonAppearanceSerializer(
        source="shown_appearances", many=True, read_only=True,
        help_text="Confirmed and past appearances in published agenda items, newest edition first.",
    )

    class Meta:
        model = Person
        fields = ["id", "name_zh", "name_en", "country", "bio_zh", "bio_en", "appearances"]


class SessionAppearanceSerializer(serializers.ModelSerializer):
    """A person in an agenda item, for the sessions API (agenda.serializers)."""

    person = serializers.IntegerField(source="person_id", read_only=True, help_text="The person's id (/api/v1/people/<id>/).")
    name_zh = serializers.CharField(source="person.name_zh", read_only=True)
    name_en = serializers.CharField(source="person.name_en", read_only=True)
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)
    title_zh = serializers.CharField(read_only=True, help_text="The title as printed for this appearance.")

    class Meta:
        model = Appearance
        fields = ["person", "name_zh", "name_en", "role", "title_zh"]
