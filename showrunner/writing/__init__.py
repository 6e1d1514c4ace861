"""Text work behind the offline writer and critic: sentences and salience, speakable narration,
and measurements of a script. Pure functions, no model, no network.
"""
