"""E-mail notifications: to commenters when their comment is decided, to notifiers (DSA Art. 16).

:mod:`~netiquette.notifications.outbox` queues mails (from the ``decision_events`` outbox, and
in the transaction that files or closes a reader's notice); :mod:`~netiquette.notifications.sender`
sends them by SMTP from a background thread of the server, retrying with back-off;
:mod:`~netiquette.notifications.mails` words them in the reader's language.
"""
