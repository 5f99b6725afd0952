# Renders posts as Jekyll does, in one process: Liquid (with Jekyll's tags) and then the site's
# Markdown converter (kramdown with Jekyll's options), or Liquid alone for .html posts.
#
# Usage: ruby jekyll_render.rb CONFIG_JSON
#   CONFIG_JSON: the Jekyll settings that decide rendering ("markdown", "kramdown", "highlighter").
# Reads one JSON object a line on stdin: {"text": <whole file>, "markdown": true|false}.
# Writes one JSON object a line: {"html": …, "liquid_error": null|"…", "warnings": [kramdown's]}.
require "json"
require "tmpdir"
require "jekyll"

settings = JSON.parse(ARGV[0] || "{}")
source = Dir.mktmpdir("postlint-render")
config = Jekyll.configuration(
  settings.merge("source" => source, "destination" => File.join(source, "_site"), "quiet" => true,
                 "plugins" => [], "theme" => nil, "skip_config_files" => true)
)
site = Jekyll::Site.new(config)
converter = site.find_converter_instance(Jekyll::Converters::Markdown)
# The converter's kramdown options, to read kramdown's warnings ("Found no end tag for 'b' …").
converter.setup
kramdown_options = converter.instance_variable_get(:@parser).instance_variable_get(:@config)
front_matter = Jekyll::Document::YAML_FRONT_MATTER_REGEXP

STDOUT.sync = true
STDIN.each_line.with_index do |line, index|
  request = JSON.parse(line)
  text = request["text"]
  page = {}
  body = text
  if text =~ front_matter
    body = Regexp.last_match.post_match
    begin
      data = Jekyll::Utils.safe_load_yaml(Regexp.last_match(1))
      page = data if data.is_a?(Hash)
    rescue StandardError
      page = {}
    end
  end
  liquid_error = nil
  # Jekyll's Liquid renderer caches a parsed template by file name: each post gets its own.
  if body.include?("{%") || body.include?("{{")
    begin
      payload = site.site_payload
      payload["page"] = page
      info = { registers: { site: site, page: page }, strict_filters: false, strict_variables: false }
      body = site.liquid_renderer.file("post-#{index}").parse(body).render!(payload, info)
    rescue Exception => e # rubocop:disable Lint/RescueException
      liquid_error = "#{e.class}: #{e.message}"
    end
  end
  warnings = []
  if request["markdown"]
    document = Kramdown::JekyllDocument.new(body, kramdown_options)
    html = document.to_html
    warnings = document.warnings
  else
    html = body
  end
  STDOUT.puts JSON.generate({ "html" => html, "liquid_error" => liquid_error, "warnings" => warnings })
end
