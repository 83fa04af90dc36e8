// Provider and processor authors work with entities; importing Catalog gives them the model too.
@_exported import CatalogModel
