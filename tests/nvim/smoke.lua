-- A tiny Neovim config for the smoke test of `ono lsp` (tests/test_lsp_neovim.py): attach the
-- server to a note with Neovim's own LSP client, wait for its diagnostics, type "@" on a new
-- item line and ask for completion; write what came back as JSON to $ONO_SMOKE_OUT, then quit.
-- Any error is written out too, and Neovim quits: a headless Neovim would wait at its prompt.
vim.lsp.set_log_level("ERROR") -- "OFF" is no level in Neovim 0.7
local out = { diagnostics = {}, completion = {} }

local function finish()
  vim.fn.writefile({ vim.fn.json_encode(out) }, vim.env.ONO_SMOKE_OUT)
  vim.cmd("qa!")
end

local function smoke()
  vim.cmd("edit " .. vim.fn.fnameescape(vim.env.ONO_SMOKE_NOTE))
  local config = {
    name = "ono",
    cmd = { vim.env.ONO_SMOKE_PYTHON, "-m", "ononotes", "lsp" },
    root_dir = vim.env.ONO_SMOKE_VAULT,
  }
  local client_id
  if vim.lsp.start then -- Neovim 0.8 and later
    client_id = vim.lsp.start(config)
  else -- Neovim 0.7 (Debian 12's)
    client_id = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(0, client_id)
  end

  local arrived = vim.wait(20000, function()
    return #vim.diagnostic.get(0) > 0
  end, 50)
  out.attached = client_id ~= nil
  if not arrived then
    return
  end
  for _, diagnostic in ipairs(vim.diagnostic.get(0)) do
    table.insert(out.diagnostics, { line = diagnostic.lnum, message = diagnostic.message })
  end

  local last = vim.api.nvim_buf_line_count(0)
  vim.api.nvim_buf_set_lines(0, last, last, false, { "- [ ] @" })
  -- after the "@" (a cursor in normal mode cannot sit past the line's last character)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(0) },
    position = { line = last, character = 7 },
  }
  local responses = vim.lsp.buf_request_sync(0, "textDocument/completion", params, 20000) or {}
  for _, response in pairs(responses) do
    local result = response.result or {}
    for _, item in ipairs(result.items or result) do
      table.insert(out.completion, item.label)
    end
  end
end

local ok, err = pcall(smoke)
if not ok then
  out.error = tostring(err)
end
finish()
