"""Keeping work on disk: the project file (.wbproj) and the document codec it uses,
recovery journals and their format, crash recovery of documents and of recording takes.

May import every other core room (it stores what they hold); no core room imports it.
"""
