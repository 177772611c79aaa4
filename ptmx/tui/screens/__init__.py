"""The screens of the explorer: a stack where Enter drills in and Esc/q backs out."""
