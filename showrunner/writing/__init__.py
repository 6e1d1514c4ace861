"""The offline writer and critic, one module per artifact (research, feedback, outline, script_writer,
critique, storyboard), on the text work they share: sentences and salience, speakable narration, and
measurements of a script. Pure functions, no model, no network.
"""
