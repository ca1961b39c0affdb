from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "safekeep.reviews"
    label = "reviews"
    verbose_name = "Access reviews"

    def ready(self) -> None:
        """Register the scheduled jobs: open each quarter's reviews and the restricted
        reviews due, mark overdue ones, and note volunteers' assessments due for review."""
        from safekeep.reviews import jobs

        del jobs  # registered on import
