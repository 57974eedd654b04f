"""English messages."""

MESSAGES: dict[str, str] = {
    "app.title": "dsat — digital skills assessment",
    "key.quit": "Quit",
    "key.lang": "Tiếng Việt",
    "key.back": "Back",
    "key.history": "History",
    "key.prev": "Previous",
    "key.next": "Next",
    "key.flag": "Flag",
    "key.review": "Review",
    "key.submit": "Submit",
    "key.confirm": "Confirm",
    "key.toggle": "Select",
    "key.clear": "Clear",
    "key.new_test": "New test",
    "key.leave_box": "leave the box, then",
    # identify
    "identify.title": "Sign in to take the test",
    "identify.intro": "Enter your details as they appear in your unit's staff list.",
    "identify.employee_id": "Employee ID",
    "identify.full_name": "Full name",
    "identify.unit": "Unit (e.g. Department of Home Affairs, Hanoi)",
    "identify.continue": "Continue",
    "identify.hint": "Tab moves between fields, Enter continues, F2 switches language.",
    # picker
    "picker.title": "Choose what to be assessed on",
    "picker.hello": "Hello, {name} ({unit})",
    "picker.area": "Whole domain",
    "picker.full": "Full assessment: every competency",
    "picker.full_note": "the yearly assessment, about 1 minute per item",
    "picker.items": "{n} items",
    "picker.last": "last: {band} ({percent:.0f}%)",
    "picker.never": "not assessed yet",
    "picker.hint": "↑/↓ to move, Enter to start, h for your history.",
    # resume
    "resume.title": "Unfinished test",
    "resume.body": "You have a test started at {started} ({answered}/{total} answered, "
    "{left} left). Continue where you stopped?",
    "resume.yes": "Continue",
    "resume.no": "Later",
    # question
    "question.progress": "Item {n}/{total}",
    "question.time_left": "Time left {time}",
    "question.saved": "Saved {time}",
    "question.not_saved": "Not answered yet",
    "question.flagged": "⚑ flagged for review",
    "question.hint.choice": "Press 1–{n} or a letter to choose, Enter to confirm and go on.",
    "question.hint.multi": "Press 1–{n} or a letter to tick or untick, Enter to confirm.",
    "question.hint.text": "Type your answer, Enter to confirm. PgUp/PgDn move between items.",
    "question.hint.number": "Type a number, e.g. 10000, 10,000 or 3.5; Enter to confirm. "
    "PgUp/PgDn move between items.",
    "question.hint.matching": "↑/↓ pick a line, then the number of its match. Enter confirms.",
    "question.hint.ordering": "Press the numbers in the right order; Backspace undoes. "
    "Enter confirms.",
    "question.type.single": "Choose one answer",
    "question.type.multiple": "Choose all that apply",
    "question.type.true_false": "True or false?",
    "question.type.short_answer": "Type a short answer",
    "question.type.numerical": "Type a number",
    "question.type.matching": "Match each line on the left with one on the right",
    "question.type.ordering": "Put these in the right order",
    "question.type.self_rating": "Self-assessment: how well can you do this? (not scored)",
    "question.answer_placeholder": "Your answer",
    "question.order_incomplete": "Place every step before confirming (Backspace undoes).",
    "question.unit": "Unit: {unit}",
    "question.your_order": "Your order:",
    "question.save_failed": "Could not save your answer: {error}. It is still on screen; "
    "try again.",
    "question.time_up": "Time is up. Your test has been submitted with the answers saved.",
    # review
    "review.title": "Review your answers",
    "review.summary": "{answered} of {total} answered, {flagged} flagged.",
    "review.unanswered": "not answered",
    "review.answered": "answered",
    "review.flagged": "flagged",
    "review.status": "Status",
    "review.item": "Item",
    "review.hint": "Enter opens an item, s submits the test.",
    # submit
    "submit.title": "Submit the test?",
    "submit.body": "You answered {answered} of {total} items. After submitting you cannot "
    "change any answer.",
    "submit.body_unanswered": "Not answered: {unanswered}.",
    "submit.yes": "Submit",
    "submit.no": "Go back",
    # result
    "result.title": "Your result",
    "result.competency": "Competency",
    "result.score": "Score",
    "result.level": "Level",
    "result.self": "Self-rated",
    "result.proficient": "proficient",
    "result.not_proficient": "not yet proficient",
    "result.rule": "How levels are set: your score is the share of the maximum points. "
    "{bands}. A result counts as proficient from {proficient} up. Items with several right "
    "answers give part credit; a wrong tick takes some back, never below 0 for the item. "
    "Self-assessment items are not scored: they show how you rate yourself.",
    "result.disagree": "You rated yourself {own}, your measured level is {measured}.",
    "result.items": "Item by item",
    "result.your_answer": "Your answer",
    "result.right_answer": "Right answer",
    "result.no_answer": "(no answer)",
    "result.explanation": "Why",
    "result.points": "{percent:.0f}% of the item",
    "result.self_item": "Self-assessment (not scored)",
    "result.expired": "Time ran out: the test was submitted with the answers you had saved.",
    "result.hint": "↑/↓ or PgUp/PgDn scroll, n for a new test, h for history, q to quit.",
    # history
    "history.title": "Your tests",
    "history.when": "Started",
    "history.scope": "Scope",
    "history.status": "Status",
    "history.score": "Score",
    "history.levels": "Levels",
    "history.empty": "No tests yet.",
    "status.in_progress": "in progress",
    "status.submitted": "submitted",
    "status.expired": "time ran out",
    # errors
    "error.employee_id": "Employee ID: use 1–40 letters, digits, '.', '_', '/' or '-'.",
    "error.full_name": "Full name must not be empty.",
    "error.unit": "Unit must not be empty.",
    "error.scope": "There is no competency or domain '{scope}'.",
    "error.no_items": "The question bank has no items for '{scope}' yet.",
    "error.no_attempt": "That test does not exist.",
    "error.closed": "This test is already submitted; answers can no longer change.",
    "error.time_up": "Time is up for this test; the answer was not saved.",
    "error.position": "This test has no item {position}.",
    "error.answer": "That answer does not fit the item: {detail}.",
    "error.not_submitted": "The result is shown only after the test is submitted.",
    "error.storage": "The answer could not be written to the database: {detail}",
    # dashboard (administrators)
    "dashboard.title": "Share of staff reaching digital-skills proficiency",
    "dashboard.overall": "Overall indicator (every area)",
    "dashboard.area": "Area {area}: {name}",
    "dashboard.scope.all": "All provinces",
    "dashboard.scope.province": "Province {province}: its units",
    "dashboard.scope.unit": "{unit}: its units",
    "dashboard.group.province": "Province",
    "dashboard.group.unit": "Unit",
    "dashboard.all": "All",
    "dashboard.registered": "Registered",
    "dashboard.assessed": "Assessed",
    "dashboard.participation": "Took part",
    "dashboard.proficient": "Proficient",
    "dashboard.ci": "95% interval",
    "dashboard.bar": "Proficient (│ 70% by 2025, ┃ 90% by 2030)",
    "dashboard.suppressed": "hidden: fewer than {k} people",
    "dashboard.simulated": "SIMULATED DATA: {note}",
    "dashboard.empty": "No one is in the staff register yet: import it with `dsat staff import`.",
    "key.drill": "Units",
    "key.up": "Up",
    "key.skill": "Next area",
    # staff accounts
    "error.sign_in": (
        "Sign-in failed: wrong name or password, or too many attempts (try again in 15 minutes)."
    ),
    "error.password_short": "The password must be at least 12 characters long.",
    "error.username": "Account name: 2-40 lowercase letters, digits, '.', '_' or '-'.",
    "error.role": "Unknown role '{role}': use trainer or admin.",
    "error.account_exists": "The account '{username}' exists already (use `dsat staff passwd`).",
    "error.no_account": "There is no account '{username}'.",
    "error.forbidden": "This needs the {role} role.",
    # grace period
    "grace.title": "Time is up",
    "grace.body": (
        "Your saved answers can still be submitted for {seconds} "
        "seconds; answers can no longer be changed."
    ),
    "grace.submit": "Submit now",
    "grace.wait": "Look at my answers",
    "grace.no_changes": (
        "Time is up: answers can no longer be changed. Press s in the review to submit."
    ),
    # sittings
    "identify.code": "Session code (given in the room)",
    "error.code": (
        "The session code is wrong, closed or already used, or there were too many attempts."
    ),
    "error.codes_count": "Give between 1 and 5000 codes.",
    "error.no_sitting": "There is no open sitting {id}.",
    # one live session per attempt
    "error.attempt_busy": (
        "This test is open in another window or browser. Close it "
        "there, or ask a trainer to unlock it."
    ),
    "resume.saved": "Connection lost? Nothing is lost: your last answer was saved at {time}.",
    "error.database": (
        "The database cannot be written ({detail}): ask the person running the session."
    ),
}
