"""What every model task shares: the task spec, the model provider, `run_model_task`
(base.py), and reading the task's audio in chunks at the model's rate (audio.py).

No model family lives here: each family's task is ml/<family>/task.py, and the registry
of all of them is ml/model_tasks.py.  Imports core and ml's top (device, errors,
resample) and ml.zoo; never a model family, so a family's task can import this freely.
"""
