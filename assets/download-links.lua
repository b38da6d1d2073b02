-- Links to the CSV files behind the tables and charts (`../outputs/<chapter>/<file>.csv`, and a CSV's
-- CSVW description `<file>.csv-metadata.json`) work on the
-- published web site. In the PDF and Word versions a relative link breaks once the file is sent on, so
-- there the link points at the published site when its address is known (metadata `edition-site.url`)
-- and otherwise the file is named in the text. Used by Quarto and by the Pandoc fallback alike.

local site_url = nil
local year = nil

local function csv_path(target)
  local path = target:gsub("^%.%./", "")
  if path:match("^outputs/.+%.csv$") or path:match("^outputs/.+%.csv%-metadata%.json$") then
    return path
  end
  return nil
end

function Meta(meta)
  local site = meta["edition-site"]
  if site then
    if site.url then site_url = pandoc.utils.stringify(site.url):gsub("/$", "") end
    if site.year then year = pandoc.utils.stringify(site.year) end
  end
end

function Link(link)
  if FORMAT:match("html") then
    return nil
  end
  local path = csv_path(link.target)
  if not path then
    return nil
  end
  if site_url and site_url ~= "" and year then
    link.target = site_url .. "/" .. year .. "/" .. path
    return link
  end
  local inlines = link.content
  inlines:insert(pandoc.Str(" (file "))
  inlines:insert(pandoc.Code(path))
  inlines:insert(pandoc.Str(", published with the web version of this edition)"))
  return inlines
end

return { { Meta = Meta }, { Link = Link } }
