"""Screening in worker processes: the job table (:mod:`.jobs`) and the worker (:mod:`.worker`).

Used when ``screening_queue = workers``: ``POST /comments`` stores the comment and its job and
answers at once; ``netiquette worker`` (or, on SQLite, a thread of ``serve``) screens it.
"""
