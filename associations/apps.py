from django.apps import AppConfig


class AssociationsConfig(AppConfig):
    name = "associations"
    verbose_name = "Twinning associations"

    def ready(self) -> None:
        from accounts import personal_data
        from associations.selectors import contact_messages_sent_by
        from associations.services import contact_messages_forget

        personal_data.register("contact_messages", contact_messages_sent_by, erase=contact_messages_forget)
