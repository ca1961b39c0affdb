"""Access reviews: each quarter's review of every team member's access, and the 90-day
review of restricted people's records; and the notices of volunteers' assessments due."""
