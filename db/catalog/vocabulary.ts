/**
 * Word lists for the catalog generator: departments with their product
 * kinds (noun, price range in dollars, features), brands per department,
 * and the adjectives, colours and sentence parts descriptions are built
 * from. Real-looking enough for relevance demos; nothing here is a real
 * product.
 */
export interface Kind {
  noun: string;
  category: string;
  min: number;
  max: number;
  features: string[];
}

export interface Department {
  name: string;
  brands: string[];
  kinds: Kind[];
}

const k = (noun: string, category: string, min: number, max: number, features: string[]): Kind => ({
  noun,
  category,
  min,
  max,
  features,
});

export const DEPARTMENTS: Department[] = [
  {
    name: "Audio",
    brands: [
      "Sony",
      "Bose",
      "JBL",
      "Sennheiser",
      "Beats",
      "Audio-Technica",
      "Anker",
      "Marshall",
      "Skullcandy",
    ],
    kinds: [
      k("Wireless Headphones", "Headphones", 40, 450, [
        "active noise cancelling",
        "30-hour battery",
        "Bluetooth 5.3",
      ]),
      k("Earbuds", "Headphones", 20, 280, [
        "water resistant",
        "wireless charging case",
        "transparency mode",
      ]),
      k("Bluetooth Speaker", "Speakers", 25, 400, ["waterproof", "360-degree sound", "party mode"]),
      k("Soundbar", "Home Theater", 90, 900, ["Dolby Atmos", "wireless subwoofer", "HDMI eARC"]),
      k("Turntable", "Home Audio", 80, 700, ["belt drive", "built-in preamp", "USB output"]),
    ],
  },
  {
    name: "Phones",
    brands: ["Samsung", "Apple", "Google", "Motorola", "OnePlus", "Nokia", "Xiaomi"],
    kinds: [
      k("Smartphone", "Cell Phones", 150, 1300, ["OLED display", "triple camera", "5G"]),
      k("Phone Case", "Cell Phone Accessories", 8, 60, [
        "drop protection",
        "slim fit",
        "MagSafe compatible",
      ]),
      k("Screen Protector", "Cell Phone Accessories", 6, 40, [
        "tempered glass",
        "bubble-free install",
        "privacy filter",
      ]),
      k("Wireless Charger", "Chargers", 15, 90, [
        "15W fast charging",
        "foldable stand",
        "LED indicator",
      ]),
    ],
  },
  {
    name: "Computers",
    brands: [
      "Dell",
      "HP",
      "Lenovo",
      "Asus",
      "Acer",
      "Apple",
      "Microsoft",
      "Logitech",
      "Razer",
      "Corsair",
    ],
    kinds: [
      k("Laptop", "Laptops", 350, 2800, ["16GB memory", "512GB SSD", "backlit keyboard"]),
      k("Gaming Mouse", "Computer Accessories", 20, 160, [
        "RGB lighting",
        "26K DPI sensor",
        "programmable buttons",
      ]),
      k("Mechanical Keyboard", "Computer Accessories", 45, 230, [
        "hot-swappable switches",
        "aluminum frame",
        "wireless",
      ]),
      k("Monitor", "Monitors", 110, 1400, ["4K resolution", "144Hz refresh rate", "USB-C"]),
      k("Webcam", "Computer Accessories", 30, 200, ["1080p video", "autofocus", "privacy shutter"]),
    ],
  },
  {
    name: "Kitchen",
    brands: [
      "KitchenAid",
      "Breville",
      "Cuisinart",
      "Ninja",
      "Nespresso",
      "Keurig",
      "Instant Pot",
      "De'Longhi",
    ],
    kinds: [
      k("Espresso Machine", "Coffee Makers", 90, 1500, [
        "15-bar pump",
        "milk frother",
        "café-style crema",
      ]),
      k("Stand Mixer", "Small Appliances", 120, 650, [
        "10 speeds",
        "stainless steel bowl",
        "tilt-head design",
      ]),
      k("Air Fryer", "Small Appliances", 50, 300, [
        "digital controls",
        "dishwasher-safe basket",
        "crème brûlée setting",
      ]),
      k("Blender", "Small Appliances", 35, 550, [
        "1200-watt motor",
        "crushes ice",
        "self-cleaning",
      ]),
      k("Coffee Grinder", "Coffee Makers", 20, 400, [
        "conical burrs",
        "40 grind settings",
        "quiet motor",
      ]),
    ],
  },
  {
    name: "Cameras",
    brands: ["Canon", "Nikon", "Fujifilm", "GoPro", "DJI", "Panasonic", "Olympus"],
    kinds: [
      k("Mirrorless Camera", "Digital Cameras", 500, 3500, [
        "24MP sensor",
        "4K video",
        "in-body stabilization",
      ]),
      k("Action Camera", "Action Cameras", 150, 550, [
        "waterproof to 10m",
        "HyperSmooth stabilization",
        "5K video",
      ]),
      k("Camera Lens", "Lenses", 150, 2200, [
        "fast aperture",
        "weather sealed",
        "silent autofocus",
      ]),
      k("Drone", "Drones", 300, 2000, ["obstacle avoidance", "34-minute flight", "4K camera"]),
    ],
  },
  {
    name: "Wearables",
    brands: ["Garmin", "Fitbit", "Apple", "Samsung", "Polar", "Amazfit"],
    kinds: [
      k("Smartwatch", "Smartwatches", 120, 800, ["heart-rate monitor", "GPS", "always-on display"]),
      k("Fitness Tracker", "Fitness Trackers", 30, 200, [
        "sleep tracking",
        "7-day battery",
        "swim proof",
      ]),
    ],
  },
  {
    name: "Gaming",
    brands: ["Nintendo", "Sony", "Microsoft", "Razer", "SteelSeries", "HyperX", "Turtle Beach"],
    kinds: [
      k("Game Controller", "Gaming Accessories", 30, 200, [
        "haptic feedback",
        "rechargeable battery",
        "remappable buttons",
      ]),
      k("Gaming Headset", "Gaming Accessories", 30, 300, [
        "surround sound",
        "detachable microphone",
        "memory foam",
      ]),
      k("Gaming Chair", "Gaming Furniture", 150, 600, [
        "lumbar support",
        "4D armrests",
        "reclining",
      ]),
    ],
  },
];

export const SERIES = [
  "Pro",
  "Max",
  "Ultra",
  "Lite",
  "Air",
  "Plus",
  "Elite",
  "Studio",
  "Sport",
  "Mini",
  "Neo",
  "Prime",
  "Edge",
  "Flex",
  "Core",
  "Zen",
  "Vivo",
  "Aero",
  "Nova",
  "Pulse",
]; // deno-fmt-ignore
export const ADJECTIVES = [
  "Compact", "Premium", "Portable", "Slim", "Rugged", "Classic", "Smart", "Advanced", "Essential", "Deluxe",
]; // deno-fmt-ignore
export const COLORS = ["Black", "White", "Silver", "Blue", "Red", "Graphite", "Rose Gold", "Green", "Beige", "Crème"];
export const OPENERS = [
  "Take your setup further with this",
  "Meet the",
  "Designed for everyday use, the",
  "Built to last, this",
  "Upgrade to the",
  "Enjoy more with the",
];
export const CLOSERS = [
  "Backed by a one-year limited warranty.",
  "Ships in recyclable packaging.",
  "Includes everything you need to get started.",
  "A favourite with reviewers and everyday users alike.",
  "Pairs easily with your other devices.",
];
