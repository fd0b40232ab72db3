from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = "Proposals and moderation"

    def ready(self) -> None:
        from accounts import personal_data
        from proposals.selectors import proposals_for_export

        personal_data.register("proposals", proposals_for_export)
