// A stand-in for a script a web-worker plugin loads from a URL (imjoy-run js-cache add).
self.tourLibrary = {greet: (name) => "hello " + name};
