from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Partner finding"

    def ready(self) -> None:
        from accounts import personal_data
        from matching.services import profiles_forget, profiles_of

        # Profiles with their contact details, introductions and the messages the person sent.
        personal_data.register("partner_profiles", profiles_of, erase=profiles_forget)
