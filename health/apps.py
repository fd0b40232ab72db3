from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "health"
    verbose_name = "Link health"

    def ready(self) -> None:
        from accounts import personal_data
        from health.selectors import verifications_by

        # Verifications are registry facts about links: kept on erasure, like proposals (the
        # account itself then reads "a former member").
        personal_data.register("link_verifications", verifications_by)
