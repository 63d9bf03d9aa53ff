"""Stage 2, validate: loaded records checked alone and against each other, with messages in a member's words."""
