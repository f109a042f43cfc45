"""Learning from the newsroom's own decisions: its verdicts as labelled examples per site.

:mod:`.examples` turns every human decision into a ``site_examples`` row in the decision's own
transaction; :mod:`.history` imports a newsroom's past verdicts from its previous system.
"""
